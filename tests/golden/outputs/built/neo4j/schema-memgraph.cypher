// kg: the uniqueness key on Entity.iri for Memgraph; run it once before import.cypher or load-csv.cypher
// (README.md, "Other tools"). Without it the import gives the same graph, each MERGE scanning every node.
CREATE INDEX ON :`Entity`(`iri`);
CREATE CONSTRAINT ON (n:`Entity`) ASSERT n.`iri` IS UNIQUE;
