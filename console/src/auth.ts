// Sign-in by the authorization code flow with PKCE through oidc-client-ts: in AWS against Cognito's
// managed login (which asks for the password and the second factor itself), locally against the local
// runtime's stand-in for it. The console never sees a password.
import { signal } from "@preact/signals";
import { UserManager, type User } from "oidc-client-ts";

const config = window.REGULARS_CONFIG?.auth ?? { authority: `${location.origin}/local/oidc`, clientId: "regulars-local-client" };
const home = `${location.origin}/`;

export const manager = new UserManager({
  authority: config.authority,
  client_id: config.clientId,
  redirect_uri: home,
  post_logout_redirect_uri: home,
  response_type: "code",
  scope: "openid email",
  automaticSilentRenew: true, // by the refresh token, before the ID token's hour is up
  revokeTokensOnSignout: true, // a copied refresh token dies with the session (Cognito revokes refresh tokens only)
  revokeTokenTypes: ["refresh_token"],
  // Cognito's discovery document has neither an end_session_endpoint (its managed login signs out at
  // /logout) nor the revocation endpoint it has
  ...(config.domain
    ? { metadataSeed: { end_session_endpoint: `${config.domain}/logout`, revocation_endpoint: `${config.domain}/oauth2/revoke` } }
    : {}),
});

export const user = signal<User | null>(null);
export const signedOut = signal(false);

/** Finish a sign-in the browser came back from (?code=&state=), else load the stored session. */
export async function restore(): Promise<User | null> {
  const params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("error")) {
    try {
      user.value = await manager.signinRedirectCallback();
    } finally {
      history.replaceState(null, "", "/");
    }
  } else {
    const stored = await manager.getUser();
    user.value = stored && !stored.expired ? stored : null;
  }
  return user.value;
}

export function signIn(language: string): Promise<void> {
  return manager.signinRedirect({ extraQueryParams: { lang: language }, ui_locales: language });
}

export async function signOut(): Promise<void> {
  const current = user.value;
  // the library revokes the stored session's refresh token, forgets the session, then leaves
  await manager.signoutRedirect({
    id_token_hint: current?.id_token,
    // Cognito's /logout wants its own two parameters
    extraQueryParams: { client_id: config.clientId, logout_uri: home },
  });
}

/** The ID token the API's authorizer accepts: the stored one, which the silent renewal replaces. */
export async function currentToken(): Promise<string | undefined> {
  const u = (await manager.getUser()) ?? user.value;
  return u?.id_token;
}

export function onSignedOut(): void {
  signedOut.value = true;
  user.value = null;
  void manager.removeUser();
}
