// kg: the uniqueness key on Entity.iri for FalkorDB; run it once before import.cypher or load-csv.cypher
// (README.md, "Other tools"). Without it the import gives the same graph, each MERGE scanning every node.
CREATE INDEX FOR (n:`Entity`) ON (n.`iri`);
