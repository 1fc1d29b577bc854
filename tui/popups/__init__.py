"""Popups (modal screens). Each returns its answer with `dismiss`; none does any I/O."""

from alloy.tui.popups.base import ConfirmPopup, HelpPopup, SelectPopup, TextPopup, VimList
from alloy.tui.popups.forms import CreatePopup, EditPopup, LabelsPopup, TimePopup

__all__ = ["ConfirmPopup", "CreatePopup", "EditPopup", "HelpPopup", "LabelsPopup",
           "SelectPopup", "TextPopup", "TimePopup", "VimList"]
