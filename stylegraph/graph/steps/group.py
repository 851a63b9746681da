"""group() / groupCount(): as a barrier (a map per stream) or as a side effect
(``group('x')``, shared by every step writing to ``x``, read by cap()/select())."""
from __future__ import annotations

from typing import Any, Iterator

from gremlin_python.process.traversal import Scope
from gremlin_python.statics import long

from stylegraph.graph.predicates import is_number
from stylegraph.graph.steps.access import ByModulator, hkey, map_key
from stylegraph.graph.steps.base import NO_VALUE, Step, Traversal, expect_str, register
from stylegraph.graph.traverser import Traverser


class Grouping:
    """Shared group()/groupCount() state: key by(), value by(), accumulation, result."""

    def __init__(self, step: Step, counting: bool) -> None:
        self.step = step
        self.counting = counting
        self.key_by: ByModulator | None = None
        self.value_by: ByModulator | None = None
        self.value_traversal: Traversal | None = None

    def add_by(self, args: list[Any]) -> None:
        """Record the next by(): the first is the key, the second the value."""
        if self.key_by is None:
            self.key_by = ByModulator(args, self.step.name)
        elif self.value_by is None and not self.counting:
            self.value_by = ByModulator(args, self.step.name)
            self.value_traversal = self.value_by.traversal
        else:
            raise self.step.error("too many by() modulators")

    def traversals(self) -> list[Traversal]:
        """Child traversals of the by() modulators."""
        return [b.traversal for b in (self.key_by, self.value_by) if b and b.traversal]

    def new_state(self) -> dict[Any, list[Any]]:
        """An empty accumulator: hashed key -> [key, items]."""
        return {}

    def add(self, state: dict[Any, list[Any]], t: Traverser) -> None:
        """Add one traverser to the accumulator."""
        key = self.key_by.fn(t) if self.key_by is not None else t.obj
        if key is NO_VALUE:
            return
        h = hkey(key)
        slot = state.get(h)
        if slot is None:
            slot = state[h] = [key, 0 if self.counting else []]
        if self.counting:
            slot[1] += t.bulk  # a merged traverser (stylegraph.graph.bulking) counts for its bulk
        else:
            slot[1].append(t)

    def result(self, state: dict[Any, list[Any]]) -> dict[Any, Any]:
        """The finished map."""
        out: dict[Any, Any] = {}
        for key, acc in state.values():
            if self.counting:
                out[map_key(key)] = long(acc)  # a Long, as in TinkerPop
                continue
            value = self._reduce(acc)
            if value is not NO_VALUE:
                out[map_key(key)] = value
        return out

    def _reduce(self, traversers: list[Traverser]) -> Any:
        """A group's value: by(traversal) gives its first result over the group's traversers
        (one value when it ends in a reducer); by(key/token/column) or none folds to a list.

        Like TinkerPop 3.7's GroupStep, the value traversal is split at its first global
        barrier: when that is a collecting one (order, dedup, limit, tail...) rather than
        a reducer (fold, count, sum...), a key whose part up to it yields nothing is left
        out of the map (``group().by().by(out().order().fold())`` has no key for a vertex
        without out-edges, where ``by(out().fold())`` maps it to ``[]``). TinkerPop 3.8 runs
        the whole value traversal for every key (``by(out().order().count())`` gives 0)."""
        tr = self.value_traversal
        if tr is not None:
            tr.reset()
            split = None if self.step.ctx.tp38 else _collecting_barrier_index(tr)
            if split is None:
                it = tr.run(iter(traversers))
            else:
                it = iter(traversers)
                # the barrier itself must let something through (limit(0) does not)
                for step in tr.steps[:split + 1]:
                    it = step.process(it)
                head = list(it)
                if not head:
                    return NO_VALUE
                it = iter(head)
                for step in tr.steps[split + 1:]:
                    it = step.process(it)
            for out in it:
                return out.obj
            return NO_VALUE
        if self.value_by is None:
            return [t.obj for t in traversers]
        fn = self.value_by.fn
        values = []
        for t in traversers:
            v = fn(t)
            if v is not NO_VALUE:
                values.append(v)
        return values


# TinkerPop's global Barrier steps that collect traversers rather than reduce them
_COLLECTING = frozenset({"order", "dedup", "limit", "range", "skip", "tail", "sample"})
_REDUCING = frozenset({"fold", "count", "sum", "mean", "min", "max", "group", "groupCount", "tree", "cap"})


def _collecting_barrier_index(tr: Traversal) -> int | None:
    """The index of ``tr``'s first global barrier when it is a collecting one, else None."""
    for i, step in enumerate(tr.steps):
        if getattr(step, "local", False):
            continue
        if step.name in _REDUCING:
            return None
        if step.name in _COLLECTING:
            return i
    return None


@register("group", "groupCount")
class GroupStep(Step):
    """group()/groupCount() as a barrier, or group('x')/groupCount('x') as a side effect."""

    accepts = frozenset({"by"})

    @property
    def is_barrier(self) -> bool:
        """group()/groupCount() see the whole stream (as a reducer or as a side effect)."""
        return True

    def setup(self, args: list[Any]) -> None:
        """Validate and store this step's arguments."""
        self.side_effect_key: str | None = None
        if len(args) == 1 and isinstance(args[0], Scope):
            args = []
        if args:
            if len(args) != 1:
                raise self.error("takes at most one side-effect key")
            self.side_effect_key = expect_str(self, args[0], "side-effect key")
        self.grouping = Grouping(self, self.name == "groupCount")

    def mod_by(self, args: list[Any]) -> None:
        """Record a by() modulator."""
        self.grouping.add_by(args)

    def children(self) -> list[Traversal]:
        """The nested traversals of this step."""
        return self.grouping.traversals()

    def apply(self, it: Iterator[Traverser]) -> Iterator[Traverser]:
        """Process the input traversers as described in the class docstring."""
        grouping = self.grouping
        state = grouping.new_state()
        if self.side_effect_key is None:
            for t in it:
                grouping.add(state, t)
            yield self.ctx.start(grouping.result(state), self.labels)
            return
        # like TinkerPop's group('x'), a barrier: the map is complete before anything moves on
        state = self._side_effect_state()
        held = list(it)
        for t in held:
            grouping.add(state, t)
        yield from held

    def _side_effect_state(self) -> dict[Any, list[Any]]:
        """This step's accumulator inside the shared side effect (kept across invocations)."""
        effects = self.ctx.side_effects
        key = self.side_effect_key
        assert key is not None
        current = effects.get(key)
        if not isinstance(current, LazyGroup):
            current = effects[key] = LazyGroup(current)
        return current.state_for(self.grouping)


class LazyGroup:
    """A group/groupCount side effect, finished into a map when read (cap/select).

    Every step writing to the key keeps its own accumulator; reading merges them
    (counts add up, group values are concatenated), starting from any map given
    with withSideEffect().
    """

    def __init__(self, base: Any) -> None:
        self.base = dict(base) if isinstance(base, dict) else None
        self.parts: list[tuple[Grouping, dict[Any, list[Any]]]] = []

    def state_for(self, grouping: Grouping) -> dict[Any, list[Any]]:
        """The accumulator of ``grouping`` (created on first use)."""
        for g, state in self.parts:
            if g is grouping:
                return state
        state = grouping.new_state()
        self.parts.append((grouping, state))
        return state

    def value(self) -> dict[Any, Any]:
        """The current map."""
        out: dict[Any, Any] = dict(self.base) if self.base else {}
        for grouping, state in self.parts:
            for k, v in grouping.result(state).items():
                if k not in out:
                    out[k] = v
                elif is_number(out[k]) and is_number(v):
                    total = out[k] + v
                    out[k] = long(total) if isinstance(out[k], long) and isinstance(v, long) else total
                elif isinstance(out[k], list) and isinstance(v, list):
                    out[k] = out[k] + v
                else:
                    out[k] = v
        return out
