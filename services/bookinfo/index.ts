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

// PLACEHOLDER owners: your organization's team for this app (npm run codeowners writes them to .github/CODEOWNERS).
export const catalogue = defineCatalogue('bookinfo', [productpage, details, reviews, ratings], { owners: ['@your-org/bookinfo'] });
export default catalogue;
