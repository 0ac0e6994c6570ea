//! The pure core: parsing and validation with time, keys and bytes passed in.
