"""Reporting 台账·月报·考核: the indicator and assessment catalogues (versioned data) and the
messages of reporting obligations. Not yet imported by `contracts.catalog`: the service that
uses them is the next part."""
