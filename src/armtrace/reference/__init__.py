"""Reference data: gazetteer (places), named actors and the weapon taxonomy.

Import the submodules (`armtrace.reference.places`, `armtrace.reference.actors`) directly; nothing is
loaded here so that importing the package stays cheap.
"""
