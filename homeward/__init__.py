"""Homeward: safeguarding children who go missing from home or care."""
