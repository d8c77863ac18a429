"""Part of the claimscope app."""
