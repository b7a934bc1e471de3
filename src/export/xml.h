/*
 * xml.h — an inventory as one XML document, streamed with libxml2's
 * xmlTextWriter.
 *
 * The document is in the namespace XML_EXPORT_NS and valid against
 * data/netcensus.xsd (installed in the package data directory), which is
 * its reference.  Every string passes through export_text() first, so
 * nothing the network sent can make it malformed; libxml2 escapes the rest.
 */
#ifndef NC_EXPORT_XML_H
#define NC_EXPORT_XML_H

#include "export/export.h"

#define XML_EXPORT_NS "urn:netcensus:inventory:1"

/* The xml entry of export_formats[]. */
int xml_export(const export_request *req);

#endif
