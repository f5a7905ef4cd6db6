"""Plumbing shared by the features. Not public API: anything here may change without notice.

The public modules are listed in the README ("What is public"); they re-export what users need.
"""
