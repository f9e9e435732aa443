"""Returns for the council's systems and the DfE: CIN plan episodes from the ledger, the CIN census and the Standard Safeguarding Dataset."""
