"""What the analyst does to results, as Qt actions over the Qt-free packages."""
