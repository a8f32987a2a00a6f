/**
 * Every text the server writes for the wizard, by its stable key, in English; `{name}` marks a
 * parameter. The server sends the key (a `MessageRef`) beside the English text; the wizard's
 * tables translate these keys (its English is the server's own text). A key's meaning never
 * changes: new wording that means something else gets a new key.
 */
export const SERVER_WORDS = {
  'field.username.label': 'Username',
  'field.username.help': 'The name you sign in with at the provider.',
  'field.password.label': 'Password',
  'field.email.label': 'Email',
  'field.email_address.label': 'Email address',
  'mfa.hint.authenticator_app': 'your authenticator app',

  'provider.demo.name': 'Demo provider',
  'demo.credentials.help': 'This is a demo provider: it checks the details below and stores nothing real.',
  'demo.username.hint': 'Demo account: {value}',
  'demo.password.hint': 'Demo password: {value}',
  'demo.error.wrong_credentials': 'Wrong username or password.',
  'demo.mfa.hint': 'the demo page',
  'demo.mfa.help': 'Codes change every 30 seconds. In a real connection the code comes from the authenticator app linked to the account.',

  'provider.imap.name': 'Email (IMAP)',
  'imap.credentials.help': 'Keyway signs in to your mail server once to check these details, then keeps them encrypted.',
  'imap.password.hint': 'Some providers ask for an app password here.',
  'imap.host.label': 'IMAP server',
  'imap.host.hint': 'For example {example}',
  'imap.port.label': 'Port',
  'imap.port.hint': '993 for TLS, 143 for STARTTLS',
  'imap.security.label': 'Security',
  'imap.error.port_range': 'Enter a port between 1 and 65535.',
  'imap.error.host_private': 'This server address is not allowed.',
  'imap.error.host_unknown': 'No server was found at this address.',
  'imap.error.not_encrypted': 'The server did not offer an encrypted connection.',
  'imap.error.login_refused': 'The server refused this email address and password.',
  'imap.error.unreachable': 'Could not connect to this server and port.',
  'imap.error.timeout': 'The server did not answer in time.',
  'imap.error.tls_failed': 'A secure connection could not be made: the server’s certificate is not trusted or TLS failed.',
  'imap.error.refused': 'The mail server did not accept the connection.',

  'password_grant.error.wrong_credentials': 'Wrong email or password.',

  'signin.error.email_invalid': 'Enter a valid email address.',
  'signin.error.only_email': 'Only an email is asked for.',
  'signin.error.no_more_codes': 'No more codes can be sent; start again from the app.',
  'signin.error.no_recovery_code': 'This step does not take a recovery code.',

  'password.error.min_length': 'The password must be at least {min} characters long.',
  'password.error.max_length': 'The password must be at most {max} characters long.',
  'password.error.common': 'The password is, or is built on, one of the most common passwords; choose another.',
  'password.error.repetitive': 'The password is a repetition or a run of characters; choose another.',
  'password.error.contains_email': 'The password must not contain your email address.',

  'profile.first_name.label': 'First name',
  'profile.first_name.label_optional': 'First name (optional)',
  'profile.last_name.label': 'Last name',
  'profile.last_name.label_optional': 'Last name (optional)',
  'profile.phone_number.label': 'Phone number',
  'profile.phone_number.label_optional': 'Phone number (optional)',
  'profile.phone_number.hint': 'In international format, such as +4368120265807.',
  'profile.timezone.label': 'Time zone',
  'profile.timezone.label_optional': 'Time zone (optional)',
  'profile.error.name_invalid': 'Use at most 100 characters, with no control characters.',
  'profile.first_name.missing': 'Enter your first name.',
  'profile.last_name.missing': 'Enter your last name.',
  'profile.phone_number.invalid': 'Enter the number in international format: a + and 7 to 15 digits, such as +4368120265807.',
  'profile.phone_number.missing': 'Enter your phone number.',
  'profile.timezone.invalid': 'Choose a time zone from the list.',
  'profile.timezone.missing': 'Choose your time zone.',

  'qr.help': 'Scan the code with your phone’s camera, then confirm on the page that opens. If you cannot scan, open {url} on your phone and type the code. The code changes every few seconds; {provider} is never told your password.',

  'failure.link_expired.message': 'This link has expired. Ask the app for a new one.',
  'failure.user_cancelled.message': 'You cancelled before the account was connected.',
  'failure.mfa_locked.message': 'Too many wrong codes. The connection was stopped to protect the account.',
  'failure.access_denied.message': 'Access was not granted, so the account was not connected.',
  'failure.provider_error.message': 'The provider did not answer as expected. Please try again later.',
  'failure.link_used.message': 'This link has already been used. Ask the app for a new one.',
  'failure.user_inactive.message': 'This account is not active, so it cannot sign in.',

  'error.resend_unavailable': 'This step cannot send a new code.',
  'error.input_mismatch': 'A "{input}" input does not answer a "{step}" step.',
  'error.signin_input_only': 'Only a sign-in flow takes a "{input}" input.',
  'error.unknown_provider': 'The provider "{provider}" is not offered by this link.',
  'error.unknown_fields': 'Unknown fields: {fields}.',
  'limit.flow_open': 'Too many links were opened from your address. Try again in {minutes} min.',
  'limit.link_token_failures': 'Too many links that do not work were tried from your address. Try again in {minutes} min.',
  'limit.mfa_code_failures': 'Too many wrong codes were entered from your address. Try again in {minutes} min.',
  'limit.mfa_account_failures': 'Too many wrong codes were entered for this account. Try again in {minutes} min.',
} as const satisfies Record<string, string>;

export type ServerWordKey = keyof typeof SERVER_WORDS;
