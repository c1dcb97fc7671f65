"""Developer tools that run the app's own widgets without a network: screenshots, samples."""
