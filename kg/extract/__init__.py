"""Text -> draft facts: sentences and quotations, gazetteers, mention rules and relation patterns."""
