"""Voice of the client: what clients say, in any language, read offline for feeling and dimension."""
