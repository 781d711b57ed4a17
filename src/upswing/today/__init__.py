"""Each role's start page: its open work first, with counts as badges in the navigation."""
