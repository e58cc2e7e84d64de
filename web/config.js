// Where the console signs in. Locally: the local runtime's sign-in. In AWS, replace with
//   window.REGULARS_SIGN_IN = { cognito: { region: "eu-central-1", clientId: "<UserPoolClientId output>" } };
// and, if the console is not served from the API's origin, window.REGULARS_API_BASE = "<ApiUrl output>".
window.REGULARS_SIGN_IN = { local: true };
