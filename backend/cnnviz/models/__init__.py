"""Models as the product knows them: the bundled ones, the user's store, the limits every model
obeys, reading uploads, the metadata a trained model records, and its model card."""
