"""Watch rules and alerts: match stored articles against rules, email the people on them."""
