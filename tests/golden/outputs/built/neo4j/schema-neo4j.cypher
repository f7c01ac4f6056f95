// kg: the uniqueness key on Entity.iri for Neo4j 5; run it once before import.cypher or load-csv.cypher
// (README.md, "Other tools"). Without it the import gives the same graph, each MERGE scanning every node.
CREATE CONSTRAINT kg_entity_iri IF NOT EXISTS FOR (n:`Entity`) REQUIRE n.`iri` IS UNIQUE;
