"""What a process makes once and keeps: the entries used last, up to a number (list bases, compiled statements,
rendered filter forms). None of them holds data a write could make stale; their keys say what they depend on."""

from collections import OrderedDict


class Recent(OrderedDict):
    """A mapping that keeps the `most` entries used last."""

    def __init__(self, most):
        super().__init__()
        self.most = most

    def get_or_make(self, key, make):
        found = self.get(key)
        if found is None:
            found = self[key] = make()
            while len(self) > self.most:
                self.popitem(last=False)
        else:
            self.move_to_end(key)
        return found
