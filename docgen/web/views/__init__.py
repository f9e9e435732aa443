"""The web app's views: one small module per area of the site, each exporting its ``routes``."""
