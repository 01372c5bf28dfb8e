"""Training and evaluation of the Danish entity pipeline on the project's own sentences."""
