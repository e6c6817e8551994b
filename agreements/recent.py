"""What a process makes once and keeps: the entries used last, up to a number (list bases, compiled statements,
rendered filter forms). None of them holds data a write could make stale; their keys say what they depend on."""

from collections import OrderedDict


class Recent(OrderedDict):
    """A mapping that keeps the `most` entries used last."""

    def __init__(self, most):
        super().__init__()
        self.most = most

    def get_or_make(self, key, make):
        found = self.find(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def find(self, key, default=None):
        """The entry under `key`, now the one used last; `default` when there is none."""
        if key not in self:
            return default
        self.move_to_end(key)
        return self[key]

    def put(self, key, value):
        """Keep `value` under `key`, forgetting the entries used longest ago beyond `most`."""
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.most:
            self.popitem(last=False)
