"""The ground floor: config, errors and the vocabularies every layer shares."""
