"""Files for people: label sheets, cover sheets, certificates, approval lists, the position statement."""
