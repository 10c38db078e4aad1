"""Data-protection requests: everything the product holds about a client or a contact person, exported
as one bundle; each capability declares its tables with personal data in the registry."""
