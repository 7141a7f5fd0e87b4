//! Function components: state in, HTML out. Browser capabilities are reached only through
//! [`Services`] from effects and callbacks, so that the same components render on a server.
//!
//! One job a file: the root components (`widget.rs`), the requests they make
//! (`loading.rs`), the form kept in storage (`storage_sync.rs`), the effect hooks every
//! component uses (`hooks.rs`), the state as components receive it (`state_handle.rs`), the
//! reader's own comments, their storage, window and changes (`own.rs`), and one file a part
//! of the page (article, related, comments, form, status).

mod article;
mod comments;
mod form;
mod hooks;
mod loading;
mod own;
mod related;
mod state_handle;
mod status;
mod storage_sync;
mod widget;

pub use article::{ArticleView, ArticleViewProps};
pub use comments::CommentsSection;
pub use related::{RelatedList, RelatedListProps};
pub use state_handle::StateHandle;
pub use widget::{Mount, MountProps, Widget, WidgetEvent, WidgetProps};
