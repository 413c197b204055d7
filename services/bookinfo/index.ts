/**
 * Istio's BookInfo sample as a catalogue: the images, ports, service accounts and public
 * routes of samples/bookinfo/platform/kube/bookinfo.yaml, so a real deployment serves
 * the real app.
 */
import { defineCatalogue } from '../define';
import details from './details';
import productpage from './productpage';
import ratings from './ratings';
import reviews from './reviews';

export const catalogue = defineCatalogue('bookinfo', [productpage, details, reviews, ratings]);
export default catalogue;
