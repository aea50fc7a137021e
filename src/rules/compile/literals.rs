//! What a pattern's structure says about its matches without compiling
//! it: literals one of which every match holds (its gate, [`super::gate`])
//! and whether a match can hold a line break.
//!
//! Only `regex_syntax` is used here, so `build.rs` reads this same file to
//! work these out for the built-in packs' patterns when prepub is built:
//! reading the patterns and walking them at every start was more than half
//! the instructions of a scan of a one-line file (callgrind). A pattern
//! worked out there is not read at run time at all.

use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many literals gate one pattern: more would make the
/// automaton large for little gain (a shorter, commoner prefix is taken).
const MOST_LITERALS: usize = 64;

/// Literals one of which every match of `hir` holds, `None` when no such
/// set of at most [`MOST_LITERALS`] non-empty literals is known.
///
/// Read off the pattern's structure in one walk: a part whose matches are
/// a few known strings (a literal, a small class, a short alternation of
/// them) gates by those strings; so does a run of such parts in a
/// concatenation, crossed; so does any one part of a concatenation, a
/// repetition's body when it repeats at least once, and the union of every
/// branch's of an alternation. Of the candidates the one whose shortest
/// literal is longest is taken (then the fewest). regex-syntax's literal
/// extractor says the same of prefixes, but asked at every node it cost
/// more instructions than the pattern set it spares.
pub fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    facts(hir).gate.map(|gate| gate.literals)
}

/// A class of at most this many characters is read as its characters.
const FEWEST_CLASS: usize = 10;

#[derive(Clone, Debug)]
struct Gate {
    literals: Vec<Vec<u8>>,
    shortest: usize,
}

impl Gate {
    fn from_literals(mut literals: Vec<Vec<u8>>) -> Option<Gate> {
        literals.sort();
        literals.dedup();
        let shortest = literals.iter().map(Vec::len).min()?;
        (shortest > 0 && literals.len() <= MOST_LITERALS).then_some(Gate { literals, shortest })
    }

    fn key(&self) -> GateKey {
        GateKey::new(self.shortest, self.literals.len())
    }

    fn better(self, other: Gate) -> Gate {
        if other.key() > self.key() {
            other
        } else {
            self
        }
    }
}

/// How good a gate is. Past four bytes a literal is rare enough; then
/// fewer literals, then longer ones (`机密★` over `机密`) make the better
/// gate.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct GateKey(usize, std::cmp::Reverse<usize>, usize);

impl GateKey {
    fn new(shortest: usize, literals: usize) -> GateKey {
        GateKey(shortest.min(4), std::cmp::Reverse(literals), shortest)
    }

    /// The key of the gate `strings` would make, `None` when they make
    /// none: worked out on borrowed strings, so a candidate that loses
    /// (nearly all of them) is never copied.
    fn of(strings: &[Vec<u8>]) -> Option<GateKey> {
        let mut distinct: Vec<&[u8]> = strings.iter().map(Vec::as_slice).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let shortest = distinct.iter().map(|s| s.len()).min()?;
        (shortest > 0 && distinct.len() <= MOST_LITERALS)
            .then(|| GateKey::new(shortest, distinct.len()))
    }
}

fn best(a: Option<Gate>, b: Option<Gate>) -> Option<Gate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.better(b)),
        (a, b) => a.or(b),
    }
}

/// [`best`] of `current` and the gate `strings` make, copying them only
/// when theirs is the better.
fn best_with(current: Option<Gate>, strings: &[Vec<u8>]) -> Option<Gate> {
    match GateKey::of(strings) {
        Some(key) if current.as_ref().is_none_or(|gate| key > gate.key()) => {
            Gate::from_literals(strings.to_vec())
        }
        _ => current,
    }
}

/// What one walk knows of a node.
struct Facts {
    /// Every string the node can match, when they are few.
    exact: Option<Vec<Vec<u8>>>,
    /// Literals one of which every match of the node holds.
    gate: Option<Gate>,
}

impl Facts {
    fn exactly(strings: Vec<Vec<u8>>) -> Facts {
        let gate = Gate::from_literals(strings.clone());
        Facts {
            exact: Some(strings),
            gate,
        }
    }

    /// A node whose matches are `exact` (when few) and whose parts gate
    /// it by `inner`: the better of that gate and the strings' own.
    fn known(exact: Option<Vec<Vec<u8>>>, inner: Option<Gate>) -> Facts {
        let own = exact
            .as_deref()
            .and_then(|strings| best_with(None, strings));
        Facts {
            exact,
            gate: best(own, inner),
        }
    }

    fn unknown() -> Facts {
        Facts {
            exact: None,
            gate: None,
        }
    }
}

/// Every concatenation of one string of `a` with one of `b`, `None` past
/// [`MOST_LITERALS`].
fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().checked_mul(b.len())? > MOST_LITERALS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut joined = x.clone();
            joined.extend_from_slice(y);
            out.push(joined);
        }
    }
    Some(out)
}

/// The characters of a class of at most [`FEWEST_CLASS`] (one past it is
/// read at most, however large the class).
fn class_strings(class: &Class) -> Option<Vec<Vec<u8>>> {
    let strings: Vec<Vec<u8>> = match class {
        Class::Unicode(class) => class
            .ranges()
            .iter()
            .flat_map(|range| range.start()..=range.end())
            .map(|c| c.to_string().into_bytes())
            .take(FEWEST_CLASS + 1)
            .collect(),
        Class::Bytes(class) => class
            .ranges()
            .iter()
            .flat_map(|range| range.start()..=range.end())
            .map(|b| vec![b])
            .take(FEWEST_CLASS + 1)
            .collect(),
    };
    (strings.len() <= FEWEST_CLASS).then_some(strings)
}

fn facts(hir: &Hir) -> Facts {
    match hir.kind() {
        // Both match only the empty string.
        HirKind::Empty | HirKind::Look(_) => Facts {
            exact: Some(vec![Vec::new()]),
            gate: None,
        },
        HirKind::Literal(literal) => Facts::exactly(vec![literal.0.to_vec()]),
        HirKind::Class(class) => match class_strings(class) {
            Some(strings) => Facts::exactly(strings),
            None => Facts::unknown(),
        },
        HirKind::Capture(capture) => facts(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = facts(&repetition.sub);
            let exact = match (&sub.exact, repetition.max) {
                (Some(strings), Some(max)) if max <= 4 => {
                    let mut power = vec![Vec::new()];
                    let mut all = Vec::new();
                    let mut within = true;
                    for count in 0..=max {
                        if count >= repetition.min {
                            all.extend(power.iter().cloned());
                        }
                        if count < max {
                            match cross(&power, strings) {
                                Some(next) => power = next,
                                None => {
                                    within = false;
                                    break;
                                }
                            }
                        }
                    }
                    (within && all.len() <= MOST_LITERALS).then_some(all)
                }
                _ => None,
            };
            let inner = if repetition.min >= 1 { sub.gate } else { None };
            Facts::known(exact, inner)
        }
        HirKind::Concat(parts) => {
            let parts: Vec<Facts> = parts.iter().map(facts).collect();
            let mut gate = None;
            // Runs of consecutive parts of known strings, crossed, from
            // each start as far as the product stays small.
            let mut whole = None;
            for start in 0..parts.len() {
                let mut run: Vec<Vec<u8>> = vec![Vec::new()];
                for (offset, part) in parts[start..].iter().enumerate() {
                    let Some(strings) = &part.exact else { break };
                    let Some(next) = cross(&run, strings) else {
                        break;
                    };
                    run = next;
                    gate = best_with(gate, &run);
                    if start == 0 && offset + 1 == parts.len() {
                        whole = Some(run.clone());
                    }
                }
            }
            for part in parts {
                gate = best(gate, part.gate);
            }
            Facts { exact: whole, gate }
        }
        HirKind::Alternation(branches) => {
            let branches: Vec<Facts> = branches.iter().map(facts).collect();
            let exact = branches.iter().try_fold(Vec::new(), |mut all, branch| {
                all.extend(branch.exact.as_ref()?.iter().cloned());
                (all.len() <= MOST_LITERALS).then_some(all)
            });
            let mut literals = Vec::new();
            let mut every_branch = true;
            for branch in branches {
                match branch.gate {
                    Some(gate) => literals.extend(gate.literals),
                    None => {
                        every_branch = false;
                        break;
                    }
                }
            }
            let inner = if every_branch {
                Gate::from_literals(literals)
            } else {
                None
            };
            Facts::known(exact, inner)
        }
    }
}

/// Whether some match of `hir` can contain `\n`: a literal or a class
/// that holds it, anywhere in the expression (assertions hold nothing).
pub fn can_hold_a_line_break(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= '\n' && '\n' <= range.end()),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|range| range.start() <= b'\n' && b'\n' <= range.end()),
        HirKind::Repetition(repetition) => can_hold_a_line_break(&repetition.sub),
        HirKind::Capture(capture) => can_hold_a_line_break(&capture.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().any(can_hold_a_line_break)
        }
    }
}
