"""acupress: a self-care coach for low back pain through acupressure."""

__version__ = "0.1.0"
