//! Every string the moderation app shows, one table per language (French first, as the
//! widget), with the widget's [`Locale`] choosing the table and formatting dates and counts.

use super::{AuditAction, BanKind, Hold, Status, StatusFilter};
use crate::error::{Found, LoadError, Problem};
use crate::locale::{fill, Locale};

/// The strings of one language. Templates take `{name}` placeholders, filled by [`fill`].
#[derive(Debug)]
pub struct Messages {
    pub title: &'static str,
    pub checking: &'static str,
    pub sign_in_heading: &'static str,
    pub name: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub bad_credentials: &'static str,
    pub rate_limited_minutes: &'static str,
    pub rate_limited: &'static str,
    pub session_ended: &'static str,
    pub csrf: &'static str,
    pub not_found: &'static str,
    pub refused: &'static str,
    pub failed: &'static str,
    pub unreadable: &'static str,
    pub sections: &'static str,
    pub queue: &'static str,
    pub bans: &'static str,
    pub audit: &'static str,
    pub settings: &'static str,
    pub filters: &'static str,
    /// Each status's list, in [`Status::ALL`]'s order, then all of them.
    pub lists: [&'static str; 6],
    /// A comment's status, in [`Status::ALL`]'s order.
    pub statuses: [&'static str; 5],
    pub search: &'static str,
    pub search_text: &'static str,
    pub search_author: &'static str,
    pub search_article: &'static str,
    pub loading: &'static str,
    pub no_comments: &'static str,
    pub more: &'static str,
    pub retry: &'static str,
    pub article: &'static str,
    pub author: &'static str,
    pub email: &'static str,
    pub website: &'static str,
    pub address: &'static str,
    pub date: &'static str,
    pub edited: &'static str,
    pub in_reply_to: &'static str,
    pub links: &'static str,
    pub replies: &'static str,
    pub text: &'static str,
    pub none: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub spam: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub ban: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub confirm_delete: &'static str,
    pub confirm_delete_yes: &'static str,
    pub ban_email: &'static str,
    pub ban_prefix: &'static str,
    pub ban_whom: &'static str,
    pub until: &'static str,
    pub reason: &'static str,
    pub approved: &'static str,
    pub rejected: &'static str,
    pub spammed: &'static str,
    pub edited_done: &'static str,
    pub deleted: &'static str,
    pub banned: &'static str,
    pub unbanned: &'static str,
    pub settings_saved: &'static str,
    pub no_bans: &'static str,
    pub kind: &'static str,
    pub whom: &'static str,
    pub forever: &'static str,
    pub created: &'static str,
    pub by: &'static str,
    pub unban: &'static str,
    pub new_ban: &'static str,
    pub ban_value: &'static str,
    pub moderator: &'static str,
    pub action: &'static str,
    pub comment: &'static str,
    pub detail: &'static str,
    pub older: &'static str,
    pub no_entries: &'static str,
    /// Each audit action, in the contract's order.
    pub actions: [&'static str; 10],
    pub hold: &'static str,
    /// Each hold rule, in [`Hold::ALL`]'s order.
    pub holds: [&'static str; 3],
    pub max_links: &'static str,
    pub first_time_authors: &'static str,
    pub words: &'static str,
}

pub fn messages(locale: Locale) -> &'static Messages {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// The name of a queue's list.
pub fn list_name(locale: Locale, filter: StatusFilter) -> &'static str {
    let lists = &messages(locale).lists;
    match filter {
        StatusFilter::Only(status) => lists[status as usize],
        StatusFilter::All => lists[5],
    }
}

pub fn status_name(locale: Locale, status: Status) -> &'static str {
    messages(locale).statuses[status as usize]
}

pub fn action_name(locale: Locale, action: AuditAction) -> &'static str {
    messages(locale).actions[action as usize]
}

pub fn hold_name(locale: Locale, hold: Hold) -> &'static str {
    messages(locale).holds[hold as usize]
}

pub fn ban_kind_name(locale: Locale, kind: BanKind) -> &'static str {
    let m = messages(locale);
    match kind {
        BanKind::Email => m.email,
        BanKind::Prefix => m.address,
    }
}

/// A moderation request that failed, in the moderator's words: what the server said, or why
/// no usable answer came. `retry_after`: the seconds a `429` asks to wait.
pub fn describe_refusal(locale: Locale, status: u16, code: &str, message: &str, retry_after: Option<u64>) -> String {
    let m = messages(locale);
    match (status, code) {
        (401, "bad_credentials") => m.bad_credentials.to_owned(),
        (401, _) => m.session_ended.to_owned(),
        (403, "csrf") => m.csrf.to_owned(),
        (404, _) => m.not_found.to_owned(),
        (429, _) => match retry_after {
            Some(seconds) => fill(m.rate_limited_minutes, &[("minutes", &seconds.div_ceil(60).max(1).to_string())]),
            None => m.rate_limited.to_owned(),
        },
        _ if !message.is_empty() => fill(m.refused, &[("status", &status.to_string()), ("message", message)]),
        _ => fill(m.failed, &[("reason", &locale.describe(&LoadError { url: String::new(), problem: Problem::Status { status } }))]),
    }
}

/// A request that got no usable answer: the network, or an answer of another shape, whose
/// place and value are named.
pub fn describe_failure(locale: Locale, error: &LoadError) -> String {
    let m = messages(locale);
    match &error.problem {
        Problem::Shape(shape) => {
            let found = match &shape.found {
                Found::Value(value) => value.clone(),
                found => locale.found(found),
            };
            fill(m.unreadable, &[("path", &shape.path), ("found", &found)])
        }
        _ => fill(m.failed, &[("reason", &locale.describe(error))]),
    }
}

static FR: Messages = Messages {
    title: "Modération des commentaires",
    checking: "Vérification de la session…",
    sign_in_heading: "Connexion",
    name: "Nom",
    password: "Mot de passe",
    sign_in: "Se connecter",
    signing_in: "Connexion…",
    sign_out: "Se déconnecter",
    signed_in_as: "Connecté·e : {name}",
    bad_credentials: "Nom ou mot de passe incorrect.",
    rate_limited_minutes: "Trop d’essais : réessayez dans {minutes} min.",
    rate_limited: "Trop d’essais : réessayez plus tard.",
    session_ended: "Votre session a pris fin : reconnectez-vous.",
    csrf: "Cette action a été refusée (jeton de session invalide) : rechargez la page.",
    not_found: "Introuvable : il a peut-être été supprimé entre-temps.",
    refused: "Refusé par le serveur ({status}) : {message}",
    failed: "Échec : {reason}",
    unreadable: "Réponse illisible du serveur : le champ {path} est invalide ({found}).",
    sections: "Sections",
    queue: "Commentaires",
    bans: "Bannissements",
    audit: "Journal",
    settings: "Réglages",
    filters: "Statut",
    lists: ["En attente", "Publiés", "Refusés", "Indésirables", "Supprimés", "Tous"],
    statuses: ["en attente", "publié", "refusé", "indésirable", "supprimé"],
    search: "Rechercher",
    search_text: "Texte",
    search_author: "Auteur ou e-mail",
    search_article: "Article (identifiant)",
    loading: "Chargement…",
    no_comments: "Aucun commentaire.",
    more: "Plus de commentaires",
    retry: "Réessayer",
    article: "Article",
    author: "Auteur",
    email: "E-mail",
    website: "Site web",
    address: "Adresse",
    date: "Date",
    edited: "Modifié",
    in_reply_to: "En réponse au n° {id}",
    links: "Liens",
    replies: "Réponses",
    text: "Texte",
    none: "—",
    approve: "Approuver",
    reject: "Refuser",
    spam: "Indésirable",
    edit: "Modifier",
    delete: "Supprimer",
    ban: "Bannir",
    save: "Enregistrer",
    cancel: "Annuler",
    confirm_delete: "Supprimer ce commentaire ? Son texte sera effacé.",
    confirm_delete_yes: "Oui, supprimer",
    ban_email: "son e-mail",
    ban_prefix: "son adresse ({prefix})",
    ban_whom: "Bannir",
    until: "Jusqu’au (inclus ; vide : pour toujours)",
    reason: "Motif",
    approved: "Commentaire de {author} approuvé.",
    rejected: "Commentaire de {author} refusé.",
    spammed: "Commentaire de {author} marqué indésirable.",
    edited_done: "Commentaire de {author} modifié.",
    deleted: "Commentaire de {author} supprimé.",
    banned: "{label} banni.",
    unbanned: "{label} n’est plus banni.",
    settings_saved: "Réglages enregistrés.",
    no_bans: "Aucun bannissement en cours.",
    kind: "Type",
    whom: "Qui",
    forever: "pour toujours",
    created: "Créé",
    by: "Par",
    unban: "Lever",
    new_ban: "Nouveau bannissement",
    ban_value: "E-mail ou préfixe d’adresse",
    moderator: "Modérateur",
    action: "Action",
    comment: "Commentaire",
    detail: "Détail",
    older: "Entrées plus anciennes",
    no_entries: "Le journal est vide.",
    actions: ["approbation", "refus", "indésirable", "modification", "suppression", "bannissement", "levée de bannissement", "réglages", "connexion", "déconnexion"],
    hold: "Retenir les nouveaux commentaires",
    holds: ["aucun : tout est publié", "tous", "selon les règles ci-dessous"],
    max_links: "Retenir au-delà de ce nombre de liens (vide : pas de limite)",
    first_time_authors: "Retenir le premier commentaire de chaque e-mail",
    words: "Retenir les commentaires contenant ces mots (un par ligne)",
};

static EN: Messages = Messages {
    title: "Comment moderation",
    checking: "Checking the session…",
    sign_in_heading: "Sign in",
    name: "Name",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    sign_out: "Sign out",
    signed_in_as: "Signed in: {name}",
    bad_credentials: "Wrong name or password.",
    rate_limited_minutes: "Too many attempts: try again in {minutes} min.",
    rate_limited: "Too many attempts: try again later.",
    session_ended: "Your session ended: sign in again.",
    csrf: "This action was refused (invalid session token): reload the page.",
    not_found: "Not found: it may have been deleted meanwhile.",
    refused: "Refused by the server ({status}): {message}",
    failed: "Failed: {reason}",
    unreadable: "Unreadable answer from the server: the field {path} is invalid ({found}).",
    sections: "Sections",
    queue: "Comments",
    bans: "Bans",
    audit: "Audit log",
    settings: "Settings",
    filters: "Status",
    lists: ["Pending", "Published", "Rejected", "Spam", "Deleted", "All"],
    statuses: ["pending", "published", "rejected", "spam", "deleted"],
    search: "Search",
    search_text: "Text",
    search_author: "Author or e-mail",
    search_article: "Article (id)",
    loading: "Loading…",
    no_comments: "No comments.",
    more: "More comments",
    retry: "Retry",
    article: "Article",
    author: "Author",
    email: "E-mail",
    website: "Website",
    address: "Address",
    date: "Date",
    edited: "Edited",
    in_reply_to: "In reply to no. {id}",
    links: "Links",
    replies: "Replies",
    text: "Text",
    none: "—",
    approve: "Approve",
    reject: "Reject",
    spam: "Spam",
    edit: "Edit",
    delete: "Delete",
    ban: "Ban",
    save: "Save",
    cancel: "Cancel",
    confirm_delete: "Delete this comment? Its text will be erased.",
    confirm_delete_yes: "Yes, delete",
    ban_email: "their e-mail",
    ban_prefix: "their address ({prefix})",
    ban_whom: "Ban",
    until: "Until (included; empty: forever)",
    reason: "Reason",
    approved: "Comment by {author} approved.",
    rejected: "Comment by {author} rejected.",
    spammed: "Comment by {author} marked as spam.",
    edited_done: "Comment by {author} edited.",
    deleted: "Comment by {author} deleted.",
    banned: "{label} banned.",
    unbanned: "{label} is no longer banned.",
    settings_saved: "Settings saved.",
    no_bans: "No active bans.",
    kind: "Kind",
    whom: "Who",
    forever: "forever",
    created: "Created",
    by: "By",
    unban: "Lift",
    new_ban: "New ban",
    ban_value: "E-mail or address prefix",
    moderator: "Moderator",
    action: "Action",
    comment: "Comment",
    detail: "Detail",
    older: "Older entries",
    no_entries: "The log is empty.",
    actions: ["approve", "reject", "spam", "edit", "delete", "ban", "unban", "settings", "sign in", "sign out"],
    hold: "Hold new comments",
    holds: ["none: everything is published", "all", "by the rules below"],
    max_links: "Hold beyond this many links (empty: no limit)",
    first_time_authors: "Hold each e-mail's first comment",
    words: "Hold comments containing these words (one per line)",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Expected, ShapeError};

    #[test]
    fn refusals_say_what_the_moderator_can_do() {
        let fr = |status, code, retry| describe_refusal(Locale::Fr, status, code, "", retry);
        assert_eq!(fr(401, "bad_credentials", None), "Nom ou mot de passe incorrect.");
        assert_eq!(fr(401, "signed_out", None), "Votre session a pris fin : reconnectez-vous.");
        assert_eq!(fr(429, "rate_limited", Some(600)), "Trop d’essais : réessayez dans 10 min.");
        assert_eq!(fr(429, "rate_limited", Some(5)), "Trop d’essais : réessayez dans 1 min.");
        assert_eq!(describe_refusal(Locale::En, 429, "rate_limited", "", None), "Too many attempts: try again later.");
        assert_eq!(describe_refusal(Locale::Fr, 400, "invalid_field", "body: too long", None), "Refusé par le serveur (400) : body: too long");
        assert!(fr(500, "internal", None).starts_with("Échec : "));
    }

    #[test]
    fn an_unreadable_answer_names_the_field_and_the_value() {
        let error = LoadError {
            url: "/api/admin/comments".into(),
            problem: Problem::Shape(ShapeError { path: "/comments/0/status".into(), expected: Expected::Text, found: Found::Value("\"archived\"".into()) }),
        };
        assert_eq!(describe_failure(Locale::En, &error), "Unreadable answer from the server: the field /comments/0/status is invalid (\"archived\").");
        let missing = LoadError { problem: Problem::Shape(ShapeError { path: "/csrf".into(), expected: Expected::Text, found: Found::Missing }), ..error };
        assert_eq!(describe_failure(Locale::Fr, &missing), "Réponse illisible du serveur : le champ /csrf est invalide (rien trouvé).");
    }

    #[test]
    fn every_template_placeholder_is_filled_in_both_languages() {
        for locale in [Locale::Fr, Locale::En] {
            let m = messages(locale);
            assert!(!fill(m.approved, &[("author", "A")]).contains('{'));
            assert_eq!(list_name(locale, StatusFilter::All), m.lists[5]);
            assert_eq!(status_name(locale, Status::Spam), m.statuses[3]);
        }
    }
}
