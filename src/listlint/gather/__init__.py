"""The gather stage: between parse and check, every online fact a run needs.

``read -> parse -> gather -> check -> decide -> fix -> report``

The stage collects the links of every document, asks each active
:class:`~listlint.gather.sources.MetadataSource` (arXiv, GitHub, DOI
registries, Semantic Scholar, ...) what it can answer, crawls what no source
vouched for, and hands the network rules one immutable ``Facts`` object.
"""
