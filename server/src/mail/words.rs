//! The words of the messages and of the pages their links open, in the site's language
//! (`--mail-language`): one table per language, the texts that take values as functions, so
//! that a reader's name or text is never read as a placeholder.

use article_widget_core::locale::Locale;

pub struct Words {
    pub confirmation_subject: &'static str,
    /// The author's name, the article's link, the confirmation link.
    pub confirmation: fn(&str, &str, &str) -> String,
    /// The reply's author.
    pub reply_subject: fn(&str) -> String,
    /// The reply's author, the article's link, the reply's text.
    pub reply: fn(&str, &str, &str) -> String,
    /// The held comment's author.
    pub held_subject: fn(&str) -> String,
    /// The author, the article's id, the comment's id, its text, the article's link, this
    /// server's public URL.
    pub held: fn(&str, &str, i64, &str, &str, &str) -> String,
    /// Why the reader gets the message, then the unsubscribe link.
    pub footer: fn(&str, &str) -> String,
    pub because_held: &'static str,
    pub because_replies: &'static str,
    /// The pages: each a title and a text; the buttons.
    pub unsubscribe_held: (&'static str, &'static str),
    pub unsubscribe_replies: (&'static str, &'static str),
    pub unsubscribe_button: &'static str,
    pub unsubscribed: (&'static str, &'static str),
    pub confirm: (&'static str, &'static str),
    pub confirm_button: &'static str,
    pub confirmed: (&'static str, &'static str),
    pub unknown_address: (&'static str, &'static str),
    pub link_invalid: (&'static str, &'static str),
    pub link_expired: (&'static str, &'static str),
    pub failed: (&'static str, &'static str),
}

pub fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &ENGLISH,
        Locale::Fr => &FRENCH,
    }
}

static ENGLISH: Words = Words {
    confirmation_subject: "Confirm your address for reply notifications",
    confirmation: |author, article, confirm| {
        format!(
            "Hello {author},\n\n\
             You asked to be told by e-mail when someone replies to your comment on\n{article}\n\n\
             To confirm this address, open this link and press the button on its page (within 7 days):\n{confirm}\n\n\
             Until you do, nothing else is sent to this address. If you did not ask for this, ignore\n\
             this message.\n"
        )
    },
    reply_subject: |author| format!("{author} replied to your comment"),
    reply: |author, link, body| {
        format!("{author} replied to your comment on\n{link}\n\n{body}\n\nRead it and answer on the page:\n{link}\n")
    },
    held_subject: |author| format!("A comment by {author} awaits moderation"),
    held: |author, article, comment_id, body, link, public| {
        format!(
            "A comment by {author} on {article} is held for moderation (comment {comment_id}):\n\n{body}\n\n\
             The article: {link}\n\
             To moderate it: {public}/moderation/\n"
        )
    },
    footer: |because, unsubscribe| {
        format!("-- \nYou get this message because {because}.\nUnsubscribe (one click, on the page): {unsubscribe}\n")
    },
    because_held: "this address is told of held comments",
    because_replies: "this address asked to be told of replies to a comment",
    unsubscribe_held: ("Unsubscribe", "Stop notices of comments held for moderation at this address?"),
    unsubscribe_replies: ("Unsubscribe", "Stop e-mail about replies to your comments at this address?"),
    unsubscribe_button: "Unsubscribe",
    unsubscribed: ("Unsubscribed", "This address will get no more of these messages."),
    confirm: ("Confirm your address", "Get an e-mail when someone replies to your comments?"),
    confirm_button: "Confirm",
    confirmed: ("Confirmed", "You will get an e-mail when someone replies to your comments."),
    unknown_address: ("Unknown address", "This address asked for nothing here."),
    link_invalid: ("Link not valid", "This link is not one of ours, or was cut: open it whole from the message."),
    link_expired: (
        "Link expired",
        "This confirmation link has expired. Ask again for notifications with your next comment.",
    ),
    failed: ("Not done", "Something went wrong on our side; try again later."),
};

static FRENCH: Words = Words {
    confirmation_subject: "Confirmez votre adresse pour être prévenu des réponses",
    confirmation: |author, article, confirm| {
        format!(
            "Bonjour {author},\n\n\
             Vous avez demandé à être prévenu par e-mail des réponses à votre commentaire sur\n{article}\n\n\
             Pour confirmer cette adresse, ouvrez ce lien et appuyez sur le bouton de sa page (dans les 7 jours) :\n{confirm}\n\n\
             D’ici là, rien d’autre n’est envoyé à cette adresse. Si vous n’avez rien demandé, ignorez\n\
             ce message.\n"
        )
    },
    reply_subject: |author| format!("{author} a répondu à votre commentaire"),
    reply: |author, link, body| {
        format!("{author} a répondu à votre commentaire sur\n{link}\n\n{body}\n\nLisez la réponse et répondez sur la page :\n{link}\n")
    },
    held_subject: |author| format!("Un commentaire de {author} attend la modération"),
    held: |author, article, comment_id, body, link, public| {
        format!(
            "Un commentaire de {author} sur {article} attend la modération (commentaire {comment_id}) :\n\n{body}\n\n\
             L’article : {link}\n\
             Pour le modérer : {public}/moderation/\n"
        )
    },
    footer: |because, unsubscribe| {
        format!("-- \nVous recevez ce message parce que {because}.\nSe désabonner (en un clic, sur la page) : {unsubscribe}\n")
    },
    because_held: "cette adresse est prévenue des commentaires en attente de modération",
    because_replies: "cette adresse a demandé à être prévenue des réponses à un commentaire",
    unsubscribe_held: (
        "Se désabonner",
        "Ne plus recevoir à cette adresse les avis de commentaires en attente de modération ?",
    ),
    unsubscribe_replies: ("Se désabonner", "Ne plus recevoir à cette adresse d’e-mails sur les réponses à vos commentaires ?"),
    unsubscribe_button: "Se désabonner",
    unsubscribed: ("Désabonnement fait", "Cette adresse ne recevra plus ces messages."),
    confirm: ("Confirmer votre adresse", "Recevoir un e-mail quand quelqu’un répond à vos commentaires ?"),
    confirm_button: "Confirmer",
    confirmed: ("Adresse confirmée", "Vous recevrez un e-mail quand quelqu’un répondra à vos commentaires."),
    unknown_address: ("Adresse inconnue", "Cette adresse n’a rien demandé ici."),
    link_invalid: (
        "Lien non valable",
        "Ce lien n’est pas l’un des nôtres, ou il a été coupé : ouvrez-le en entier depuis le message.",
    ),
    link_expired: (
        "Lien expiré",
        "Ce lien de confirmation a expiré. Demandez de nouveau à être prévenu avec votre prochain commentaire.",
    ),
    failed: ("Rien n’a été fait", "Un problème est survenu de notre côté ; réessayez plus tard."),
};
