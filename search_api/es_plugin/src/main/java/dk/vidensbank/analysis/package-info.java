/**
 * Danish analysis token filters for Vidensbank, registered through the Elasticsearch
 * stable plugin API. Each class is a thin factory around a Lucene filter from
 * {@code lucene-analysis-common}; Elasticsearch finds them through
 * {@code named_components.json} in the plugin directory, not by classpath scanning.
 */
package dk.vidensbank.analysis;
