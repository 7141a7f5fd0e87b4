//! The comment form kept in storage: the draft per article and the remembered details.

use yew::prelude::*;

use super::hooks::{nothing_to_undo, use_effect_on};
use super::WidgetProps;
use crate::state::{Action, StoredDraft, StoredIdentity, WidgetState};
use crate::storage;

/// Reads the draft and remembered details once, then keeps storage in step with the form:
/// the draft while the reader types (gone once the backend confirms the comment), the
/// details only while "remember me" is on.
#[hook]
pub(super) fn use_storage_effects(props: &WidgetProps, state: &UseReducerHandle<WidgetState>) {
    let (dispatcher, platform, article) = (state.dispatcher(), props.services.platform.clone(), props.article.clone());
    use_effect_on((props.services.clone(), props.article.clone()), move || {
        dispatcher.dispatch(Action::Restore {
            draft: storage::load_draft(platform.as_ref(), &article),
            identity: storage::load_identity(platform.as_ref()),
        });
        nothing_to_undo()
    });

    let form = &state.form;
    let draft = StoredDraft { body: form.draft.body.clone(), reply_to: form.reply_to.clone() };
    let (platform, article, restored) = (props.services.platform.clone(), props.article.clone(), form.restored);
    use_effect_on((props.services.clone(), props.article.clone(), draft.clone(), restored), move || {
        if restored {
            storage::save_draft(platform.as_ref(), &article, &draft);
        }
        nothing_to_undo()
    });

    let identity = form.remember.then(|| StoredIdentity {
        name: form.draft.name.clone(),
        email: form.draft.email.clone(),
        website: form.draft.website.clone(),
    });
    let platform = props.services.platform.clone();
    use_effect_on((props.services.clone(), identity.clone(), restored), move || {
        if restored {
            storage::save_identity(platform.as_ref(), identity.as_ref());
        }
        nothing_to_undo()
    });
}
