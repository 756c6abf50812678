"""BranchBook (支部记录本): the offline record book of a Party branch."""

__version__ = "0.1.0"
