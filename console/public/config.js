// Where the console finds the API and signs in. This file is the local runtime's; a deployment writes
// its own from the stack's outputs (make console-deploy):
//   window.REGULARS_CONFIG = { api: "<ApiUrl>", auth: { authority: "https://cognito-idp.<region>.amazonaws.com/<UserPoolId>",
//                              clientId: "<client id>", domain: "https://<prefix>.auth.<region>.amazoncognito.com" } };
window.REGULARS_CONFIG = {
  api: "",
  auth: { authority: location.origin + "/local/oidc", clientId: "regulars-local-client" },
};
