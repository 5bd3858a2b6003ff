"""IKZ-Portfolio: the portfolio of the joint digital strategy of four Odenwald municipalities."""

__version__ = "0.1.0"
