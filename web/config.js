// Where the console signs in. Locally: the local runtime's sign-in. In AWS, Cognito's managed login:
//   window.REGULARS_SIGN_IN = { cognito: { domain: "<AuthDomain output>", clientId: "<UserPoolClientId output>" } };
// (the page's URL must be one of the stack's ConsoleCallbackUrls; `redirectUri` sets another), and, if
// the console is not served from the API's origin, window.REGULARS_API_BASE = "<ApiUrl output>".
window.REGULARS_SIGN_IN = { local: true };
