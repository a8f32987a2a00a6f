/**
 * English words of the wizard. Every visible string and accessible name comes
 * from here; `{name}` marks a parameter. English is the reference: the other
 * tables (fr, de, es, ar) are checked against these keys with
 * `satisfies Translation`, so a key missing from a table, or one that English
 * does not have, fails `tsc`. Whoever adds a key here adds it to every table.
 */
export const en = {
  'common.loading': 'Loading…',
  'common.working': 'Please wait…',
  'common.retry': 'Try again',
  'help.label': 'More about {topic}',
  'progress.label': 'Step {step} of {of}',

  'wizard.back': 'Back',
  'wizard.cancel': 'Cancel',
  'wizard.networkError': 'We could not reach the server. Check your connection and try again.',
  'wizard.unexpectedError': 'Something went wrong on our side. Please try again.',

  'providers.heading': 'Connect an account',
  'providers.intro': 'Choose the service you want to connect.',
  'providers.empty': 'No services are available for this link.',
  'providers.method.oauth': 'Sign in on their website',
  'providers.method.credentials': 'Username and password',
  'providers.method.qr': 'Scan a QR code with your phone',
  'providers.demo': 'Demo',
  'providers.search.label': 'Search services',
  'providers.search.none': 'No service matches “{query}”.',
  'providers.search.count': '{count} of {total} services shown',

  'credentials.heading': 'Sign in to {provider}',
  'credentials.intro': 'Enter the details you use with {provider}.',
  'credentials.signInIntro': 'We will email you a code to sign in to {app}. No password needed.',
  'credentials.submit': 'Connect',
  'credentials.choose': 'Choose…',
  'credentials.showPassword': 'Show password',

  'validation.required': 'This field is required.',
  'validation.pattern': 'This value is not in the expected format.',
  'validation.email': 'Enter an email address, like name@example.com.',
  'validation.number': 'Enter a number.',
  'validation.tooShort': 'Use at least {min} characters.',
  'validation.tooLong': 'Use at most {max} characters.',
  'validation.option': 'Choose one of the options.',

  'mfa.heading': 'Enter your verification code',
  'mfa.instructions.from': 'Enter the {length}-digit code from {source}.',
  'mfa.instructions.sentTo': 'Enter the {length}-digit code sent to {source}.',
  'mfa.source.totp': 'your authenticator app',
  'mfa.source.app': 'the {provider} app',
  'mfa.source.sms': 'your phone',
  'mfa.source.email': 'your email address',
  'mfa.label': 'Verification code',
  'mfa.attemptsLeft.one': '{count} attempt left',
  'mfa.attemptsLeft.other': '{count} attempts left',
  'mfa.invalidCode': 'That code did not work. Check it and try again.',
  'mfa.invalidFormat': 'Enter the {length}-digit code.',
  'mfa.resend': 'Send a new code',
  'mfa.submit': 'Verify',
  'mfa.useRecovery': 'Use a recovery code instead',
  'mfa.useApp': 'Use the code from your app',
  'mfa.recoveryLabel': 'Recovery code',
  'mfa.recoveryIntro': 'Enter one of the recovery codes you saved when you set up two-step verification. Each one works once.',
  'mfa.recoveryMissing': 'Enter a recovery code.',

  'mfaSetup.heading': 'Set up two-step verification',
  'mfaSetup.intro': '{app} asks for a code from an authenticator app at every sign-in. Scan this QR code with the app, then enter the code it shows.',
  'mfaSetup.qrLabel': 'QR code to scan with your authenticator app',
  'mfaSetup.secretIntro': 'Cannot scan? Enter this key in the app instead:',
  'mfaSetup.copy': 'Copy key',
  'mfaSetup.copied': 'Key copied.',
  'mfaSetup.copyFailed': 'The key could not be copied. Select it and copy it yourself.',
  'recoveryCodes.heading': 'Save your recovery codes',
  'recoveryCodes.intro': 'If you lose your phone, each of these codes signs you in to {app} once. They are shown only now: keep them somewhere safe.',
  'recoveryCodes.listLabel': 'Recovery codes',
  'recoveryCodes.download': 'Download the codes',
  'recoveryCodes.saved': 'I have saved these codes',
  'recoveryCodes.continue': 'Continue',
  'recoveryCodes.fileTitle': 'Recovery codes for {app}',

  'codeInput.digit': 'Digit {index} of {length}',
  'codeInput.incomplete': 'Enter all {length} digits.',

  'qr.heading': 'Connect {provider} with your phone',
  'qr.intro': 'Scan this code with your phone, then confirm there. This page continues by itself.',
  'qr.label': 'QR code to scan with {provider}',
  'qr.expiresIn': 'This code expires in {time}.',
  'qr.expired': 'This code has expired. A new one will appear in a moment.',
  'qr.pairingIntro': 'Cannot scan? Type this code on your phone instead:',
  'qr.copy': 'Copy code',
  'qr.copied': 'Code copied.',
  'qr.copyFailed': 'The code could not be copied. Select it and copy it yourself.',

  'oauth.heading': 'Sign in with {provider}',
  'oauth.intro': '{provider} opens in a new window. Sign in there and allow access; this page continues by itself.',
  'oauth.continue': 'Continue with {provider}',
  'oauth.waiting': 'Waiting for you to finish in the {provider} window…',
  'oauth.closed': 'The {provider} window was closed before you finished. You can open it again.',

  'success.heading': 'Account connected',
  'success.body': 'Your {provider} account is now connected.',
  'success.close': 'You can close this window.',

  'confirm.heading': 'Sign in to {app}',
  'confirm.intro': 'Continue as {email}?',
  'confirm.continue': 'Continue',
  'confirm.notYou': 'If this is not you, close this page: nothing happens until you continue.',
  'signedIn.heading': 'You are signed in',
  'signedIn.body': 'Taking you back to {app}.',

  'redirect.countdown': 'Redirecting in {seconds} s',
  'redirect.continue': 'Continue now',

  'failure.link_expired.heading': 'This link has expired',
  'failure.link_expired.body': 'Ask the app that sent you here for a new link.',
  'failure.newLink': 'Send me a new link',
  'failure.link_not_found.heading': 'This link is not valid',
  'failure.link_not_found.body': 'Check that you opened the whole link, or ask the app that sent you here for a new one.',
  'failure.link_used.heading': 'This link was already used',
  'failure.link_used.body': 'Each link works only once. Ask the app that sent you here for a new one.',
  'failure.user_cancelled.heading': 'Connection cancelled',
  'failure.user_cancelled.body': 'No account was connected.',
  'failure.mfa_locked.heading': 'Too many wrong codes',
  'failure.mfa_locked.body': 'To protect the account, the connection was stopped. Start again with a new link.',
  'failure.access_denied.heading': 'Access was not granted',
  'failure.access_denied.body': 'The account was not connected because access was declined.',
  'failure.provider_error.heading': 'The service did not respond',
  'failure.provider_error.body': 'The provider had a problem, so the account was not connected. Please try again later.',
  'failure.user_inactive.heading': 'This account cannot sign in',
  'failure.user_inactive.body': 'It has been deactivated. Ask the app that sent you here for help.',
} as const satisfies Record<string, string>;

export type TranslationKey = keyof typeof en;

/** `mfa.attemptsLeft` for `mfa.attemptsLeft.other`: the keys `tPlural()` picks a plural form of. */
export type PluralBase = TranslationKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

/**
 * Plural forms English lacks but other languages use (Arabic has all six CLDR
 * categories). A table may add them to any plural key; `one` and `other` are always required.
 */
type ExtraPluralKey = `${PluralBase}.${'zero' | 'two' | 'few' | 'many'}`;

/** Exactly English's keys, plus optional extra plural forms. */
export type Translation = Record<TranslationKey, string> & Partial<Record<ExtraPluralKey, string>>;
