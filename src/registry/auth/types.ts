/** What we can authenticate with: a user/password pair, or an identity (refresh) token. */
export interface Credentials {
  username?: string;
  password?: string;
  identityToken?: string;
}
