// Implementation lands with the history store.
