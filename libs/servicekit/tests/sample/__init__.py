"""A minimal service built on servicekit, used to test the library the way services use it."""
