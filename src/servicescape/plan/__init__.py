"""One message to the market, the firm's knowledge and its plan."""
