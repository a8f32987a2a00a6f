import type { ServerWordTable } from './table.js';

/** French wording of the texts the server writes, addressing the user as “vous”. */
export default {
  'field.username.label': 'Nom d’utilisateur',
  'field.username.help': 'Le nom avec lequel vous vous connectez chez le fournisseur.',
  'field.password.label': 'Mot de passe',
  'field.email.label': 'E-mail',
  'field.email_address.label': 'Adresse e-mail',
  'mfa.hint.authenticator_app': 'votre application d’authentification',

  'demo.credentials.help': 'Ceci est un fournisseur de démonstration : il vérifie les informations ci-dessous et n’enregistre rien de réel.',
  'demo.username.hint': 'Compte de démonstration : {value}',
  'demo.password.hint': 'Mot de passe de démonstration : {value}',
  'demo.error.wrong_credentials': 'Nom d’utilisateur ou mot de passe incorrect.',
  'demo.mfa.hint': 'la page de démonstration',
  'demo.mfa.help': 'Les codes changent toutes les 30 secondes. Pour une vraie connexion, le code vient de l’application d’authentification liée au compte.',

  'imap.credentials.help': 'Keyway se connecte une fois à votre serveur de messagerie pour vérifier ces informations, puis les conserve chiffrées.',
  'imap.password.hint': 'Certains fournisseurs demandent ici un mot de passe d’application.',
  'imap.host.label': 'Serveur IMAP',
  'imap.host.hint': 'Par exemple {example}',
  'imap.port.label': 'Port',
  'imap.port.hint': '993 pour TLS, 143 pour STARTTLS',
  'imap.security.label': 'Sécurité',
  'imap.error.port_range': 'Saisissez un port entre 1 et 65535.',
  'imap.error.host_private': 'Cette adresse de serveur n’est pas autorisée.',
  'imap.error.host_unknown': 'Aucun serveur n’a été trouvé à cette adresse.',
  'imap.error.not_encrypted': 'Le serveur n’a pas proposé de connexion chiffrée.',
  'imap.error.login_refused': 'Le serveur a refusé cette adresse e-mail et ce mot de passe.',
  'imap.error.unreachable': 'Impossible de se connecter à ce serveur sur ce port.',
  'imap.error.timeout': 'Le serveur n’a pas répondu à temps.',
  'imap.error.tls_failed': 'Impossible d’établir une connexion sécurisée : le certificat du serveur n’est pas reconnu ou TLS a échoué.',
  'imap.error.refused': 'Le serveur de messagerie n’a pas accepté la connexion.',

  'password_grant.error.wrong_credentials': 'E-mail ou mot de passe incorrect.',

  'signin.error.email_invalid': 'Saisissez une adresse e-mail valide.',
  'signin.error.only_email': 'Seule une adresse e-mail est demandée.',
  'signin.error.no_more_codes': 'Aucun autre code ne peut être envoyé ; recommencez depuis l’application.',
  'signin.error.no_recovery_code': 'Cette étape n’accepte pas de code de récupération.',

  'password.error.min_length': 'Le mot de passe doit comporter au moins {min} caractères.',
  'password.error.max_length': 'Le mot de passe doit comporter au plus {max} caractères.',
  'password.error.common': 'Ce mot de passe est l’un des plus courants, ou en dérive ; choisissez-en un autre.',
  'password.error.repetitive': 'Ce mot de passe est une répétition ou une suite de caractères ; choisissez-en un autre.',
  'password.error.contains_email': 'Le mot de passe ne doit pas contenir votre adresse e-mail.',

  'qr.help': 'Scannez le code avec l’appareil photo de votre téléphone, puis confirmez sur la page qui s’ouvre. Si vous ne pouvez pas scanner, ouvrez {url} sur votre téléphone et saisissez le code. Le code change toutes les quelques secondes ; {provider} ne connaît jamais votre mot de passe.',

  'failure.link_expired.message': 'Ce lien a expiré. Demandez-en un nouveau à l’application.',
  'failure.user_cancelled.message': 'Vous avez annulé avant que le compte soit connecté.',
  'failure.mfa_locked.message': 'Trop de codes erronés. La connexion a été interrompue pour protéger le compte.',
  'failure.access_denied.message': 'L’accès n’a pas été accordé, le compte n’a donc pas été connecté.',
  'failure.provider_error.message': 'Le fournisseur n’a pas répondu comme prévu. Veuillez réessayer plus tard.',
  'failure.link_used.message': 'Ce lien a déjà été utilisé. Demandez-en un nouveau à l’application.',
  'failure.user_inactive.message': 'Ce compte n’est pas actif, il ne peut donc pas se connecter.',

  'error.resend_unavailable': 'Cette étape ne peut pas envoyer de nouveau code.',
  'error.input_mismatch': 'Une saisie «\u00a0{input}\u00a0» ne répond pas à une étape «\u00a0{step}\u00a0».',
  'error.signin_input_only': 'Seule une connexion accepte une saisie «\u00a0{input}\u00a0».',
  'error.unknown_provider': 'Le fournisseur «\u00a0{provider}\u00a0» n’est pas proposé par ce lien.',
  'error.unknown_fields': 'Champs inconnus : {fields}.',
  'limit.flow_open': 'Trop de liens ont été ouverts depuis votre adresse. Réessayez dans {minutes} min.',
  'limit.link_token_failures': 'Trop de liens non valides ont été essayés depuis votre adresse. Réessayez dans {minutes} min.',
  'limit.mfa_code_failures': 'Trop de codes erronés ont été saisis depuis votre adresse. Réessayez dans {minutes} min.',
  'limit.mfa_account_failures': 'Trop de codes erronés ont été saisis pour ce compte. Réessayez dans {minutes} min.',
} satisfies ServerWordTable;
