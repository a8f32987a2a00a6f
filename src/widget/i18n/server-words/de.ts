import type { ServerWordTable } from './table.js';

/** German wording of the texts the server writes, in the formal “Sie”. */
export default {
  'field.username.label': 'Benutzername',
  'field.username.help': 'Der Name, mit dem Sie sich beim Anbieter anmelden.',
  'field.password.label': 'Passwort',
  'field.email.label': 'E-Mail',
  'field.email_address.label': 'E-Mail-Adresse',
  // Stands where the wizard's “aus {source}” needs the dative.
  'mfa.hint.authenticator_app': 'Ihrer Authenticator-App',

  'provider.demo.name': 'Demo-Anbieter',
  'demo.credentials.help': 'Dies ist ein Demo-Anbieter: Er prüft die Angaben unten und speichert nichts Echtes.',
  'demo.username.hint': 'Demo-Konto: {value}',
  'demo.password.hint': 'Demo-Passwort: {value}',
  'demo.error.wrong_credentials': 'Benutzername oder Passwort ist falsch.',
  'demo.mfa.hint': 'der Demo-Seite',
  'demo.mfa.help': 'Die Codes ändern sich alle 30 Sekunden. Bei einer echten Verbindung kommt der Code aus der Authenticator-App, die mit dem Konto verknüpft ist.',

  'provider.imap.name': 'E-Mail (IMAP)',
  'imap.credentials.help': 'Keyway meldet sich einmal bei Ihrem Mailserver an, um diese Angaben zu prüfen, und speichert sie danach verschlüsselt.',
  'imap.password.hint': 'Manche Anbieter verlangen hier ein App-Passwort.',
  'imap.host.label': 'IMAP-Server',
  'imap.host.hint': 'Zum Beispiel {example}',
  'imap.port.label': 'Port',
  'imap.port.hint': '993 für TLS, 143 für STARTTLS',
  'imap.security.label': 'Sicherheit',
  'imap.error.port_range': 'Geben Sie einen Port zwischen 1 und 65535 ein.',
  'imap.error.host_private': 'Diese Serveradresse ist nicht zulässig.',
  'imap.error.host_unknown': 'Unter dieser Adresse wurde kein Server gefunden.',
  'imap.error.not_encrypted': 'Der Server hat keine verschlüsselte Verbindung angeboten.',
  'imap.error.login_refused': 'Der Server hat diese E-Mail-Adresse und dieses Passwort abgelehnt.',
  'imap.error.unreachable': 'Keine Verbindung zu diesem Server und Port möglich.',
  'imap.error.timeout': 'Der Server hat nicht rechtzeitig geantwortet.',
  'imap.error.tls_failed': 'Es konnte keine sichere Verbindung hergestellt werden: Dem Zertifikat des Servers wird nicht vertraut, oder TLS ist fehlgeschlagen.',
  'imap.error.refused': 'Der Mailserver hat die Verbindung nicht angenommen.',

  'password_grant.error.wrong_credentials': 'E-Mail oder Passwort ist falsch.',

  'signin.error.email_invalid': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  'signin.error.only_email': 'Es wird nur eine E-Mail-Adresse abgefragt.',
  'signin.error.no_more_codes': 'Es können keine weiteren Codes gesendet werden. Beginnen Sie in der App von vorn.',
  'signin.error.no_recovery_code': 'Dieser Schritt nimmt keinen Wiederherstellungscode an.',

  'password.error.min_length': 'Das Passwort muss mindestens {min} Zeichen lang sein.',
  'password.error.max_length': 'Das Passwort darf höchstens {max} Zeichen lang sein.',
  'password.error.common': 'Das Passwort ist eines der häufigsten Passwörter oder beruht darauf. Wählen Sie ein anderes.',
  'password.error.repetitive': 'Das Passwort ist eine Wiederholung oder eine Zeichenfolge. Wählen Sie ein anderes.',
  'password.error.contains_email': 'Das Passwort darf Ihre E-Mail-Adresse nicht enthalten.',

  'qr.help': 'Scannen Sie den Code mit der Kamera Ihres Smartphones und bestätigen Sie auf der Seite, die sich öffnet. Falls das Scannen nicht klappt, öffnen Sie {url} auf Ihrem Smartphone und geben Sie den Code ein. Der Code ändert sich alle paar Sekunden; {provider} erfährt Ihr Passwort nie.',

  'failure.link_expired.message': 'Dieser Link ist abgelaufen. Fordern Sie in der App einen neuen an.',
  'failure.user_cancelled.message': 'Sie haben abgebrochen, bevor das Konto verbunden wurde.',
  'failure.mfa_locked.message': 'Zu viele falsche Codes. Zum Schutz des Kontos wurde die Verbindung abgebrochen.',
  'failure.access_denied.message': 'Der Zugriff wurde nicht erlaubt, daher wurde das Konto nicht verbunden.',
  'failure.provider_error.message': 'Der Anbieter hat nicht wie erwartet geantwortet. Bitte versuchen Sie es später erneut.',
  'failure.link_used.message': 'Dieser Link wurde bereits verwendet. Fordern Sie in der App einen neuen an.',
  'failure.user_inactive.message': 'Dieses Konto ist nicht aktiv und kann sich daher nicht anmelden.',

  'error.resend_unavailable': 'In diesem Schritt kann kein neuer Code gesendet werden.',
  'error.input_mismatch': 'Eine Eingabe „{input}“ passt nicht zu einem Schritt „{step}“.',
  'error.signin_input_only': 'Nur eine Anmeldung nimmt eine Eingabe „{input}“ an.',
  'error.unknown_provider': 'Der Anbieter „{provider}“ wird über diesen Link nicht angeboten.',
  'error.unknown_fields': 'Unbekannte Felder: {fields}.',
  'limit.flow_open': 'Von Ihrer Adresse wurden zu viele Links geöffnet. Versuchen Sie es in {minutes} Min. erneut.',
  'limit.link_token_failures': 'Von Ihrer Adresse wurden zu viele ungültige Links versucht. Versuchen Sie es in {minutes} Min. erneut.',
  'limit.mfa_code_failures': 'Von Ihrer Adresse wurden zu viele falsche Codes eingegeben. Versuchen Sie es in {minutes} Min. erneut.',
  'limit.mfa_account_failures': 'Für dieses Konto wurden zu viele falsche Codes eingegeben. Versuchen Sie es in {minutes} Min. erneut.',
} satisfies ServerWordTable;
