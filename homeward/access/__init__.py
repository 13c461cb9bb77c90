"""Who may see and do what: the one access rule (`rules`), and the navigation it draws."""
