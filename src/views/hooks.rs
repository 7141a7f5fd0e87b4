//! The effect hooks every component uses: [`use_effect_on`], one instance of Yew's effect
//! hook for all effects, and [`deliver_unless_cleaned_up`], which hands a request's answer
//! over only while it is still wanted.

use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::backend::LocalFuture;

/// Runs `future`, if any, and hands its output to `deliver`, unless the returned clean-up
/// ran first: a retry or a new backend supersedes a request still on its way, and an
/// unmounted widget receives nothing.
pub(super) fn deliver_unless_cleaned_up<T: 'static>(future: Option<LocalFuture<T>>, deliver: impl FnOnce(T) + 'static) -> CleanUp {
    let wanted = Rc::new(Cell::new(true));
    if let Some(future) = future {
        let still_wanted = wanted.clone();
        spawn_local(async move {
            let output = future.await;
            if still_wanted.get() {
                deliver(output);
            }
        });
    }
    Box::new(move || wanted.set(false))
}

/// What an effect leaves to undo when its dependencies change or its widget goes.
pub(super) type CleanUp = Box<dyn FnOnce()>;

pub(super) fn nothing_to_undo() -> CleanUp {
    Box::new(|| {})
}

/// `use_effect_with` compiled once: the dependencies are compared behind a trait object and
/// the effect is boxed, so that every effect shares one instance of Yew's effect hook rather
/// than adding its own (about 700 B of wasm each). The effect captures what it needs: it
/// runs, as with `use_effect_with`, only when `deps` differ from the last render's.
#[hook]
pub(super) fn use_effect_on<D: PartialEq + 'static>(deps: D, effect: impl FnOnce() -> CleanUp + 'static) {
    use_boxed_effect(Dependencies(Box::new(deps)), Box::new(effect));
}

#[hook]
fn use_boxed_effect(deps: Dependencies, effect: Box<dyn FnOnce() -> CleanUp>) {
    use_effect_with(deps, move |_| effect());
}

struct Dependencies(Box<dyn ComparableDependencies>);

trait ComparableDependencies {
    fn as_any(&self) -> &dyn Any;
    fn equals(&self, other: &dyn Any) -> bool;
}

impl<D: PartialEq + 'static> ComparableDependencies for D {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn equals(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<D>() == Some(self)
    }
}

impl PartialEq for Dependencies {
    fn eq(&self, other: &Self) -> bool {
        self.0.equals(other.0.as_any())
    }
}

#[cfg(test)]
mod tests {
    use super::Dependencies;

    #[test]
    fn dependencies_compare_by_value_behind_the_trait_object() {
        let deps = |value: (u32, Option<&'static str>)| Dependencies(Box::new(value));
        assert!(deps((1, Some("a"))) == deps((1, Some("a"))));
        assert!(deps((1, Some("a"))) != deps((2, Some("a"))));
        assert!(deps((1, Some("a"))) != deps((1, None)));
    }
}
