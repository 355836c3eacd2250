"""armtrace: track and trace small arms and light weapons after they leave state control."""

__version__ = "0.1.0"
