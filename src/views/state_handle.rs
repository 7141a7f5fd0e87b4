//! The widget's state as components receive it, compared by the reducer's revision.

use yew::prelude::*;

use crate::state::WidgetState;

/// The widget's state as the components under [`super::Widget`] receive it, with the revision it
/// had when they were rendered. Two handles are equal when their revisions are: comparing
/// props costs one number, not a walk through a thread of thousands of comments (nor the
/// code of such a walk in the download). Yew's own handle cannot be compared by address:
/// every clone reads the latest state.
#[derive(Clone)]
pub struct StateHandle {
    handle: UseReducerHandle<WidgetState>,
    revision: u64,
}

impl StateHandle {
    pub(super) fn new(handle: &UseReducerHandle<WidgetState>) -> StateHandle {
        StateHandle { handle: handle.clone(), revision: handle.revision }
    }
}

impl PartialEq for StateHandle {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl std::ops::Deref for StateHandle {
    type Target = UseReducerHandle<WidgetState>;

    fn deref(&self) -> &Self::Target {
        &self.handle
    }
}
