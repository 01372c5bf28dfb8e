/**
 * Danish analysis token filters for Vidensbank, registered through the Elasticsearch
 * stable plugin API: thin factories around the Lucene Danish stemmer and Scandinavian
 * normalization from {@code lucene-analysis-common}, plus our own decompounder.
 * Elasticsearch finds them through {@code named_components.json} in the plugin directory,
 * not by classpath scanning.
 */
package dk.vidensbank.analysis;
